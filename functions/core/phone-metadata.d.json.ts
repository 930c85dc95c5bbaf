// phone-metadata.json is written by scripts/phone-metadata.ts (npm run gen:phone-metadata) from the installed
// libphonenumber-js's metadata.max.json; test/unit/phone-metadata.test.ts checks it is that script's output.
import type { MetadataJson } from 'libphonenumber-js/core';

declare const metadata: MetadataJson;
export = metadata;
