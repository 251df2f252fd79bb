/**
 * What the sign-in, setup and invite pages share: the email, password and name fields, the row
 * that ends each form (the API's refusal, then the submit button saying it works), and the token
 * of a link that carries it in its fragment (which the browser never sends to a server).
 */
import { type ReactNode, useState } from "react";
import { Field } from "../ui/field";
import { FormError } from "../ui/form-error";
import { EmptyState } from "../ui/states";

interface TextFieldProps {
  value: string;
  onChange: (value: string) => void;
}

export function EmailField({ value, onChange }: TextFieldProps) {
  return (
    <Field
      label="Email"
      type="email"
      name="email"
      autoComplete="username"
      required
      value={value}
      onChange={(event) => onChange(event.target.value)}
    />
  );
}

/** `current-password` to sign in, `new-password` where the password is chosen. */
export function PasswordField({
  value,
  onChange,
  autoComplete,
}: TextFieldProps & { autoComplete: "current-password" | "new-password" }) {
  return (
    <Field
      label="Password"
      type="password"
      name="password"
      autoComplete={autoComplete}
      required
      value={value}
      onChange={(event) => onChange(event.target.value)}
    />
  );
}

export function NameField({ value, onChange }: TextFieldProps) {
  return (
    <Field label="Your name" name="name" autoComplete="name" value={value} onChange={(e) => onChange(e.target.value)} />
  );
}

/** The form's refusal, if any, then its submit button: `label`, or `working` while it is sent. */
export function SubmitRow({
  error,
  pending,
  label,
  working,
}: {
  error: unknown;
  pending: boolean;
  label: string;
  working: string;
}) {
  return (
    <>
      <FormError error={error} />
      <button type="submit" className="primary" disabled={pending}>
        {pending ? working : label}
      </button>
    </>
  );
}

/** The token in the page's fragment (`/setup#<token>`), read once; "" when there is none. */
export function useFragmentToken(): string {
  const [token] = useState(() => decodeURIComponent(window.location.hash.slice(1)));
  return token;
}

/** The page of a link opened without its token. */
export function MissingToken({ title, children }: { title: string; children: ReactNode }) {
  return (
    <main className="auth-page">
      <EmptyState title={title}>{children}</EmptyState>
    </main>
  );
}
