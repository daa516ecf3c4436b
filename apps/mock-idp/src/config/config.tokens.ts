/** Injection token of the parsed MockIdpConfig. */
export const MOCK_IDP_CONFIG = Symbol('MOCK_IDP_CONFIG');
/** Injection token of the parsed DirectoryDocument the emulator started with. */
export const DIRECTORY_DOCUMENT = Symbol('DIRECTORY_DOCUMENT');
