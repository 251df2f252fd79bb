import "./json-block.css";
/** A value as indented JSON in a scrollable block (strings as they are). */
export function JsonBlock({ value, className }: { value: unknown; className?: string }) {
  const text = typeof value === "string" ? value : (JSON.stringify(value, null, 2) ?? "undefined");
  return <pre className={className ? `json ${className}` : "json"}>{text}</pre>;
}
