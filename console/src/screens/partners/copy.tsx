// Copying a text (an URL, a key, a certificate, a share code) and saving a
// PEM as a file, for a person who hands them to a partner's administrator.
import { useState } from 'react';
import { useWords } from '../../session';
import { words } from './words';

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // No clipboard here (an insecure origin, a refusal): copy through a selection instead.
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.appendChild(area);
    area.select();
    const done = document.execCommand('copy');
    area.remove();
    return done;
  }
}

/** A button that copies `text`, then says whether it did. `label` names what is copied, for a screen reader. */
export function CopyButton({ text, label }: { text: string; label?: string }) {
  const w = useWords(words);
  const [outcome, setOutcome] = useState<'copied' | 'failed' | null>(null);
  return (
    <span className="copy">
      <button
        type="button"
        className="secondary small"
        aria-label={label ? `${w.copy}: ${label}` : undefined}
        onClick={() => void copyText(text).then((done) => setOutcome(done ? 'copied' : 'failed'))}
      >
        {w.copy}
      </button>
      {outcome && (
        <span role="status" className={outcome === 'copied' ? 'muted' : 'problem'}>
          {outcome === 'copied' ? w.copied : w.copyFailed}
        </span>
      )}
    </span>
  );
}

/** A link that saves `text` as a file named `filename` (a PEM certificate). */
export function DownloadLink({ text, filename, label }: { text: string; filename: string; label: string }) {
  const href = `data:application/x-pem-file;charset=utf-8,${encodeURIComponent(text)}`;
  return (
    <a className="download" href={href} download={filename}>
      {label}
    </a>
  );
}
