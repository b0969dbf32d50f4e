import { useId } from 'react';
import { useDesignerText } from '../designer-i18n';

/** A text in both UI languages, as metadata stores it. */
export type BilingualValue = { 'zh-CN'?: string; en?: string } | undefined;

/**
 * Two inputs, zh-CN and en, for a label or text. Empty languages are left out of the value; `onBlur` ends
 * the undo step of the typing.
 */
export function BilingualInput({
  label,
  value,
  onChange,
  onBlur,
  multiline,
  testId,
  required,
}: {
  label: string;
  value: BilingualValue;
  onChange(next: { 'zh-CN'?: string; en?: string }): void;
  onBlur?(): void;
  multiline?: boolean;
  testId?: string;
  required?: boolean;
}) {
  const dt = useDesignerText();
  const id = useId();
  const set = (lang: 'zh-CN' | 'en', text: string) => {
    const next: { 'zh-CN'?: string; en?: string } = { ...(value ?? {}) };
    if (text) next[lang] = text;
    else delete next[lang];
    onChange(next);
  };
  const Input = multiline ? 'textarea' : 'input';
  return (
    <fieldset className="bilingual" data-testid={testId}>
      <legend className={required ? 'required' : undefined}>{label}</legend>
      <label htmlFor={`${id}-zh`}>
        <span className="lang">{dt('common.zh')}</span>
        <Input
          id={`${id}-zh`}
          value={value?.['zh-CN'] ?? ''}
          lang="zh-CN"
          onChange={(e) => set('zh-CN', e.target.value)}
          onBlur={onBlur}
          data-lang="zh-CN"
        />
      </label>
      <label htmlFor={`${id}-en`}>
        <span className="lang">{dt('common.en')}</span>
        <Input
          id={`${id}-en`}
          value={value?.en ?? ''}
          lang="en"
          onChange={(e) => set('en', e.target.value)}
          onBlur={onBlur}
          data-lang="en"
        />
      </label>
    </fieldset>
  );
}
