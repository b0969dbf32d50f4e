import { useEffect, useId, useState } from 'react';
import { useDesignerText } from '../designer-i18n';

/**
 * A JSON value edited as text: parsed when the text is valid JSON (an empty text is `undefined`), with the
 * parse error shown while it is not.
 */
export function JsonEditor({
  label,
  value,
  onChange,
  rows = 4,
  testId,
  issues,
}: {
  label: string;
  value: unknown;
  onChange(next: unknown): void;
  rows?: number;
  testId?: string;
  issues?: ReadonlyArray<{ path: string; message: string }> | undefined;
}) {
  const dt = useDesignerText();
  const id = useId();
  const shown = value === undefined ? '' : JSON.stringify(value);
  const [text, setText] = useState(shown);
  const [error, setError] = useState<string | null>(null);
  // Follows outside changes (undo, another editor) unless the text being typed means the same.
  useEffect(() => {
    setText((current) => {
      try {
        if (current.trim() !== '' && JSON.stringify(JSON.parse(current)) === shown) return current;
      } catch {
        // The analyst is typing: keep the text.
        if (current.trim() !== '') return current;
      }
      return shown;
    });
  }, [shown]);
  return (
    <label htmlFor={id} className="json-editor">
      {label}
      <textarea
        id={id}
        rows={rows}
        value={text}
        spellCheck={false}
        aria-invalid={error ? true : undefined}
        data-testid={testId}
        onChange={(e) => {
          const next = e.target.value;
          setText(next);
          if (next.trim() === '') {
            setError(null);
            onChange(undefined);
            return;
          }
          try {
            const parsed: unknown = JSON.parse(next);
            setError(null);
            onChange(parsed);
          } catch (problem) {
            setError(`${dt('common.invalidJson')}: ${(problem as Error).message}`);
          }
        }}
      />
      {error && <small className="field-error">{error}</small>}
      {issues?.map((issue) => (
        <small key={`${issue.path}\n${issue.message}`} className="field-error">
          <code>{issue.path}</code> {issue.message}
        </small>
      ))}
    </label>
  );
}
