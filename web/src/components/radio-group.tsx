import type { ComponentChildren } from 'preact';

/**
 * One value chosen among `options` with radio buttons, under the fieldset's legend: `field` (the default)
 * stacks them in a form field with its error; `segmented` sets them in a line beside the legend, as a
 * switch between views. `children` go after the buttons, inside the fieldset (what the choice opens).
 */
export const RadioGroup = <V extends string>({
  name,
  legend,
  options,
  label,
  value,
  onChange,
  error,
  variant = 'field',
  children,
}: {
  name: string;
  legend: ComponentChildren;
  options: readonly V[];
  label: (option: V) => ComponentChildren;
  value: V;
  onChange: (option: V) => void;
  error?: string | undefined;
  variant?: 'field' | 'segmented';
  children?: ComponentChildren;
}) => {
  const buttons = options.map((option) => (
    <label key={option} class={variant === 'field' ? 'radio' : undefined}>
      <input
        type="radio"
        name={name}
        value={option}
        checked={value === option}
        onChange={() => onChange(option)}
      />
      {label(option)}
    </label>
  ));
  if (variant === 'segmented') {
    return (
      <fieldset class="segmented">
        <legend>{legend}</legend>
        {buttons}
        {children}
      </fieldset>
    );
  }
  return (
    <fieldset class={`field${error ? ' field--error' : ''}`}>
      <legend>{legend}</legend>
      {error ? <p class="field-error">{error}</p> : null}
      <div class="radios">{buttons}</div>
      {children}
    </fieldset>
  );
};
