// TODO(owner): the Action's run(). Placeholder until issue 6 lands.
export async function run(): Promise<void> {
  process.stderr.write("the Action is not built yet\n");
  process.exitCode = 1;
}
