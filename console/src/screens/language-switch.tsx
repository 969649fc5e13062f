import { useSession } from '../session';

export function LanguageSwitch() {
  const { language, setLanguage, t } = useSession();
  return (
    <label className="language">
      <span>{t.language}</span>
      <select value={language} onChange={(e) => setLanguage(e.target.value === 'en' ? 'en' : 'ja')}>
        <option value="ja">日本語</option>
        <option value="en">English</option>
      </select>
    </label>
  );
}
