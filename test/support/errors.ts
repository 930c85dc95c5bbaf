/** Runs `run` expecting it to throw a `kind`, and answers that error to inspect; any other error goes on. */
export const thrownBy = <E extends Error>(
  run: () => unknown,
  kind: abstract new (...args: never[]) => E,
): E => {
  try {
    run();
  } catch (error) {
    if (error instanceof kind) return error;
    throw error;
  }
  throw new Error(`expected a ${kind.name}, but nothing was thrown`);
};
