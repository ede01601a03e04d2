/** Errors a service may throw; the error handler maps them to pages or problem documents. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** "Not there" and "not yours" look the same, so record existence never leaks. */
export class NotFoundError extends HttpError {
  constructor(message = 'Page not found') {
    super(404, message);
  }
}

export class ForbiddenError extends HttpError {
  constructor(message = 'You do not have permission to do this') {
    super(403, message);
  }
}

export class UnauthenticatedError extends HttpError {
  constructor(message = 'Sign in to continue') {
    super(401, message);
  }
}

export interface FieldError {
  field: string;
  message: string;
}

/** Bad input: one message per field, in the order the fields appear on the form. */
export class ValidationError extends HttpError {
  constructor(
    readonly errors: FieldError[],
    message = 'There is a problem',
  ) {
    super(400, message);
  }
}

/**
 * A well-formed API request that breaks a rule of the record (an objective that is not SMART, an action without an
 * owner, an author signing off their own assessment): 422, with the same `errors` a 400 carries.
 */
export class UnprocessableError extends ValidationError {
  override readonly status: number = 422;
}

export class ConflictError extends HttpError {
  constructor(message: string) {
    super(409, message);
  }
}

/** Text that cannot be stored (control characters, lone surrogates) or nesting deeper than any form needs. */
export class UnstorableInputError extends HttpError {
  constructor(readonly reason: 'characters' | 'depth') {
    super(
      400,
      reason === 'characters'
        ? 'The text contains characters that cannot be stored, such as control characters. Remove them and try again.'
        : 'The request is nested too deeply to be read.',
    );
  }
}
