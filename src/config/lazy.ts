// A stand-in for an object that is built on its first use. The zod schemas are declared through it, so importing a
// schema module costs nothing and zod (deferred in dist/, see scripts/build.mjs) is loaded only when a schema is used:
// for an invalid file (zod words the errors), never for a valid one (src/config/fast-schema.ts accepts it).

/**
 * `build()` runs on the first property access. The stand-in forwards reads, `in` and `instanceof`; methods run on the
 * real object. Nest real objects inside other schemas, not stand-ins (zod keys metadata by object identity).
 */
export function lazy<T extends object>(build: () => T): T {
  const get = once(build);
  return new Proxy({} as T, {
    get: (_, key) => Reflect.get(get(), key),
    has: (_, key) => Reflect.has(get(), key),
    getPrototypeOf: () => Reflect.getPrototypeOf(get()),
  });
}

/** `build()` once, on the first call (the schema modules' sets of real schemas). */
export function once<T>(build: () => T): () => T {
  let made: { value: T } | undefined;
  return () => {
    made ??= { value: build() };
    return made.value;
  };
}
