/** Step output for long commands: `[2/5] migrate 20260101…_x.ts (31 ms)`. Plain lines, no TTY needed. */
export function stepper(label: string, out: NodeJS.WritableStream = process.stdout) {
  const started = performance.now()
  return {
    step(message: string, index?: number, total?: number) {
      out.write(
        `${label} ${index !== undefined && total !== undefined ? `[${index}/${total}] ` : '· '}${message}\n`,
      )
    },
    done(message = 'done') {
      out.write(`${label} ✓ ${message} in ${Math.round(performance.now() - started)} ms\n`)
    },
  }
}
