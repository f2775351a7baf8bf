// Generate one TypeScript client (types) per committed spec into generated/.
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const bin = join(here, "node_modules", ".bin", "openapi-typescript");
mkdirSync(join(here, "generated"), { recursive: true });
for (const surface of ["programme", "authority", "public"]) {
  execFileSync(
    bin,
    [join(here, "..", "openapi", `${surface}.yaml`), "--output", join(here, "generated", `${surface}.ts`)],
    { stdio: "inherit" },
  );
}
