export {
  initBackend,
  backendChoice,
  describeBackend,
  requestedBackend,
  quietTfjsBanner,
  onBackendReady,
  BACKEND_ORDER,
  BACKEND_REQUESTS,
} from './select';
export type { BackendChoice, BackendAttempt, BackendRequest, InitBackendOptions } from './select';
