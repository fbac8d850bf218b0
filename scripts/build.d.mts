/** Build dist/ from src/; resolves to the milliseconds it took. */
export function build(opts?: { root?: string }): Promise<number>;
