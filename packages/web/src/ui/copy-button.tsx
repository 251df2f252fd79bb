import { useState } from "react";
import "./copy-button.css";

/** Copies `text` to the clipboard and says so for a moment. */
export function CopyButton({ text, label = "Copy" }: { text: string | (() => string); label?: string }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    const value = typeof text === "function" ? text() : text;
    try {
      await navigator.clipboard.writeText(value);
    } catch {
      const area = document.createElement("textarea");
      area.value = value;
      document.body.append(area);
      area.select();
      document.execCommand("copy");
      area.remove();
    }
    setCopied(true);
    setTimeout(() => setCopied(false), 1200);
  };
  return (
    <button type="button" className="copy" onClick={copy} aria-label={label} title={label}>
      {copied ? "Copied" : label}
    </button>
  );
}

/** An id in monospace with a copy button beside it. */
export function CopyableId({ value }: { value: string }) {
  return (
    <span className="copyable">
      <code>{value}</code>
      <CopyButton text={value} label="Copy" />
    </span>
  );
}
