/**
 * One switch per behaviour the public sources leave open (CONTRIBUTING.md lists them). Where a
 * switch decides what state an app reports, how a stop or start is answered, or how much of an app
 * a list item or a create's answer carries, its default is the least convenient plausible world (a
 * client that guesses the state, or counts on a field the docs do not promise, fails there); the
 * others default to the fullest reading of the docs. Tests flip them to check the client against
 * each.
 */
export interface Variants {
  /** GET /v1/apps items: 'lean' ones without the settings (the SDK's type), or 'full' app objects. */
  listItems: 'lean' | 'full';
  /** The create answer: the 'documented' example without assignedSubdomain, ports, env vars, or the 'full' app. */
  createAnswer: 'documented' | 'full';
  /** assignedSubdomain as a bare 'label' (my-bot) or a full 'host' name (my-bot.camposcloud.app). */
  subdomain: 'label' | 'host';
  /** GET /v1/apps?page=N: 'honoured', or 'ignored' (always the first page). */
  pageParam: 'honoured' | 'ignored';
  /** A created app 'starts' by itself, or 'waits-for-start' (stopped until POST start). */
  createdApps: 'starts' | 'waits-for-start';
  /**
   * A stopped app's currentResourceMetrics: null, {online: false} ('offline'), or {online: false}
   * with an 'uptime' (its last value, 0 for one never started) and the other metrics, as a
   * starting app reports them: only `online` tells the two apart.
   */
  stoppedMetrics: 'null' | 'offline' | 'uptime';
  /** What a stop answers: the app as it was 'before' the stop (the docs' example), or 'after'. */
  stopAnswer: 'before' | 'after';
  /**
   * A stop of a stopped app or a start of a running one: refused with `refusalStatus` in 'en'glish
   * or 'pt' (Portuguese), or 'accepted' (answered 200 with the app as it is).
   */
  refusal: 'en' | 'pt' | 'accepted';
  refusalStatus: number;
  /**
   * The plan's memory in MB, or null for no limit. A create (or a start) that would take the memory
   * in use past it is refused with `memoryRefusalStatus`, in `memoryRefusal`'s language.
   */
  planMemoryMB: number | null;
  /** Whether stopped apps hold their memory on the plan ('count') or not ('free'). */
  stoppedAppsMemory: 'count' | 'free';
  memoryRefusal: 'en' | 'pt';
  memoryRefusalStatus: number;
  /** totalUsedRAM in GET /v1/apps: text ('768 MB'), a 'number', or 'absent'. */
  totalUsedRam: 'text' | 'number' | 'absent';
  /**
   * How long a create takes before it answers, in ms (undocumented; a real client of the API gives
   * one 3 minutes). The work goes on when the client hangs up meanwhile, as a server's would.
   */
  createMs: number;
  /**
   * When a created app shows in GET /v1/apps and GET /v1/apps/{id}: once the create is 'answered',
   * or at once, 'while-creating' (status 'creating', not running, until the create answers).
   */
  createdVisible: 'answered' | 'while-creating';
  /**
   * GET /v1/apps/{id}: the app's environmentVariables 'included' (as the docs' stop example shows
   * the app object) or 'absent' (no example of this answer shows them; a platform may well keep
   * secrets out of reads). 'absent' by default: the read a recreate carries over may lack them.
   */
  appEnvVars: 'included' | 'absent';
  /**
   * POST /v1/apps/{id}/update's environmentVariables: 'replace' the app's list, or 'merge' by key
   * (keys not sent stay). Undocumented.
   */
  updateEnv: 'replace' | 'merge';
}

/**
 * A create's duration: a few seconds, the least convenient plausible default, unless
 * CAMPOSCLOUD_LOCAL_CREATE_MS says otherwise (the test suite shortens it for the tests that do not
 * care; those about slow creates set the variant).
 */
function defaultCreateMs(): number {
  const raw = process.env.CAMPOSCLOUD_LOCAL_CREATE_MS;
  return raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : 3000;
}

export const DEFAULT_VARIANTS: Readonly<Variants> = {
  listItems: 'lean',
  createAnswer: 'documented',
  subdomain: 'label',
  pageParam: 'honoured',
  createdApps: 'waits-for-start',
  stoppedMetrics: 'uptime',
  stopAnswer: 'before',
  refusal: 'pt',
  refusalStatus: 400,
  planMemoryMB: null,
  stoppedAppsMemory: 'count',
  memoryRefusal: 'en',
  memoryRefusalStatus: 403,
  totalUsedRam: 'text',
  createMs: defaultCreateMs(),
  createdVisible: 'answered',
  appEnvVars: 'absent',
  updateEnv: 'replace',
};

/** Refusal wording, as the platform might phrase it: a test must pass whichever it is. */
export const REFUSALS = {
  en: { stop: 'Application is already stopped', start: 'Application is already running' },
  pt: { stop: 'O aplicativo já está parado', start: 'Aplicação já está em execução' },
} as const;

/** A refusal for lack of plan memory, as the platform might word it. */
export const MEMORY_REFUSALS = {
  en: (plan: number, used: number, asked: number) =>
    `Insufficient memory: your plan has ${plan} MB, ${used} MB are in use and ${asked} MB were requested`,
  pt: (plan: number, used: number, asked: number) =>
    `Memória insuficiente: seu plano tem ${plan} MB, ${used} MB em uso e ${asked} MB solicitados`,
} as const;
