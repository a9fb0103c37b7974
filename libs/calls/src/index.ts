export { CallFailure, asCallFailure, httpStatusOf, invalidArgument, type FailureCode } from './call-failure.js';
export {
  GRPC_FIELD_NAMES,
  OPENAI_FIELD_NAMES,
  type CallMessage,
  type CallRequest,
  type CallTool,
  type CallToolCall,
  type CallToolChoice,
  type FieldNames,
  type ValidCall,
} from './call-request.js';
export { CALL_LIMITS, checkRequestSize, validateCall } from './validate-call.js';
export { TOOL_LIMITS } from './validate-tools.js';
export { checkOutput } from './check-output.js';
export { checkToolCalls, type ToolContract } from './check-tool-calls.js';
export { checkToolsAgainstTask } from './task-tools.js';
export { SchemaValidators } from './schema-validator.js';
export { openAiCallOf, type OpenAiCall } from './openai-request.js';
export { contentText, isObject, optionalBoolean, optionalNumber, optionalString, type Body } from './json-shapes.js';
export {
  RESPONSES_FIELD_NAMES,
  responsesCallOf,
  type ResponseSettings,
  type ResponsesCall,
} from './responses-request.js';
