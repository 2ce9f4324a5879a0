/** The admin API's errors: ELBv2's error codes where one exists, an HTTP status and a message saying what to fix. */

export type RouterErrorCode =
  | 'ValidationError'
  | 'InvalidJson'
  | 'TargetGroupNotFound'
  | 'ListenerNotFound'
  | 'RuleNotFound'
  | 'PriorityInUse'
  | 'DuplicateTargetGroupName'
  | 'ResourceInUse'
  | 'InvalidTarget'
  | 'OperationNotPermitted'
  | 'UnsupportedFeature'
  | 'NotFound'
  | 'MethodNotAllowed';

const STATUS: Record<RouterErrorCode, number> = {
  ValidationError: 400,
  InvalidJson: 400,
  TargetGroupNotFound: 404,
  ListenerNotFound: 404,
  RuleNotFound: 404,
  PriorityInUse: 409,
  DuplicateTargetGroupName: 409,
  ResourceInUse: 409,
  InvalidTarget: 400,
  OperationNotPermitted: 400,
  UnsupportedFeature: 400,
  NotFound: 404,
  MethodNotAllowed: 405,
};

export class RouterError extends Error {
  override readonly name = 'RouterError';
  readonly status: number;
  constructor(
    readonly code: RouterErrorCode,
    message: string,
  ) {
    super(message);
    this.status = STATUS[code];
  }
}
