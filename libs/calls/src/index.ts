export { CallFailure, asCallFailure, httpStatusOf, invalidArgument, type FailureCode } from './call-failure.js';
export {
  GRPC_FIELD_NAMES,
  OPENAI_FIELD_NAMES,
  type CallRequest,
  type FieldNames,
  type ValidCall,
} from './call-request.js';
export { CALL_LIMITS, checkRequestSize, validateCall } from './validate-call.js';
export { checkOutput } from './check-output.js';
export { SchemaValidators } from './schema-validator.js';
export { openAiCallOf, type OpenAiCall } from './openai-request.js';
