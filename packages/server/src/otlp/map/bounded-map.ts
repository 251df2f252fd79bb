/** A Map that forgets its least recently set entries past `max`: memory of recent traces and runs. */
export class BoundedMap<V> extends Map<string, V> {
  /** @param forgot hears each entry forgotten to make room */
  constructor(
    private readonly max: number,
    private readonly forgot?: (key: string, value: V) => void,
  ) {
    super();
  }
  override set(key: string, value: V): this {
    this.delete(key);
    if (this.size >= this.max) {
      const [oldest, forgotten] = this.entries().next().value as [string, V];
      this.delete(oldest);
      this.forgot?.(oldest, forgotten);
    }
    return super.set(key, value);
  }
}
