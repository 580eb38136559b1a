// Log lines on stderr: "HH:MM:SS.mmm LEVEL component: message", filtered by level.
const LEVELS = { error: 1, warn: 2, info: 3, debug: 4 };

export function makeLogger(maxLevel, sink = (line) => process.stderr.write(line + '\n')) {
  const max = LEVELS[maxLevel] ?? LEVELS.info;
  const logger = (component) => (level, message) => {
    if ((LEVELS[level] ?? LEVELS.info) > max) return;
    const t = new Date().toISOString().slice(11, 23);
    sink(`${t} ${level.toUpperCase().padEnd(5)} ${component}: ${message}`);
  };
  logger.maxLevel = max;
  return logger;
}

// The library's beam_log_level (1 error .. 4 debug) by name.
export function libraryLevel(name) {
  return LEVELS[name] ?? LEVELS.info;
}

export function levelName(n) {
  return Object.keys(LEVELS).find((k) => LEVELS[k] === n) ?? 'info';
}
