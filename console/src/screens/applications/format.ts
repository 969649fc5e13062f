import type { words } from './words';

type W = (typeof words)['ja'];

export function formName(form: number, w: W): string {
  const name = ({ 1: w.form1, 2: w.form2, 3: w.form3, 4: w.form4, 5: w.form5 } as Record<number, string>)[form];
  return `${w.form}${form} ${name ?? ''}`.trim();
}
