/** The virtual module the browser build provides (src/web/build/node-shims.ts). */
declare module "credstack:embedded-files" {
  /** File name → UTF-8 text of the package's data files the shared modules read. */
  export const EMBEDDED_FILES: Readonly<Record<string, string>>;
  /** Package name → installed version, for the packages whose `package.json` shared modules read. */
  export const EMBEDDED_PACKAGE_VERSIONS: Readonly<Record<string, string>>;
}
