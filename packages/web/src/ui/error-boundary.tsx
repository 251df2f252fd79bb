/**
 * The page's last line of defence: an error thrown while drawing (a value the page did not expect)
 * would otherwise unmount everything and leave a blank page. It shows the error and a reload.
 */
import { Component, type ReactNode } from "react";
import { ErrorState } from "./states";

/**
 * Shows the error of a failed render of its children instead of a blank page.
 *
 * @example
 * <ErrorBoundary><App /></ErrorBoundary>
 */
export class ErrorBoundary extends Component<{ children: ReactNode }, { error: unknown }> {
  override state: { error: unknown } = { error: undefined };

  static getDerivedStateFromError(error: unknown): { error: unknown } {
    return { error };
  }

  override render(): ReactNode {
    if (this.state.error === undefined) return this.props.children;
    return (
      <main>
        <ErrorState error={this.state.error} onRetry={() => window.location.reload()} />
      </main>
    );
  }
}
