declare module 'asl-validator' {
  interface AslValidationResult {
    isValid: boolean;
    errors: { message: string; path?: string }[];
  }
  function aslValidator(definition: unknown, options?: Record<string, unknown>): AslValidationResult;
  export = aslValidator;
}
