/** A Map that forgets its least recently set entries past `max`: memory of recent traces and runs. */
export class BoundedMap<V> extends Map<string, V> {
  constructor(private readonly max: number) {
    super();
  }
  override set(key: string, value: V): this {
    this.delete(key);
    if (this.size >= this.max) this.delete(this.keys().next().value as string);
    return super.set(key, value);
  }
}
