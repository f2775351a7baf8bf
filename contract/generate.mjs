// Generate one TypeScript client (types) per committed spec into generated/, in one
// process: openapi-typescript's API, as its CLI calls it without a redocly.yaml.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import openapiTS, { astToString, COMMENT_HEADER } from "openapi-typescript";

const here = dirname(fileURLToPath(import.meta.url));
mkdirSync(join(here, "generated"), { recursive: true });
for (const surface of ["programme", "authority", "public"]) {
  const started = performance.now();
  const spec = pathToFileURL(join(here, "..", "openapi", `${surface}.yaml`));
  const output = join(here, "generated", `${surface}.ts`);
  writeFileSync(output, `${COMMENT_HEADER}${astToString(await openapiTS(spec))}`, "utf8");
  console.log(`openapi/${surface}.yaml → generated/${surface}.ts [${Math.round(performance.now() - started)} ms]`);
}
