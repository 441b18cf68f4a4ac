import { Icon } from './Icon.tsx';

/** The search field of discovery and search: a `role="search"` form that never submits. */
export function SearchBox(props: {
  value: string;
  onChange: (value: string) => void;
  label: string;
  placeholder: string;
}) {
  return (
    <form className="search-box" role="search" onSubmit={(e) => e.preventDefault()}>
      <Icon name="search" size={18} />
      <input
        type="search"
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        placeholder={props.placeholder}
        aria-label={props.label}
        enterKeyHint="search"
        maxLength={100}
      />
    </form>
  );
}
