import {
  addMonths,
  compareYearMonth,
  formatYearMonth,
  parseAsOf,
  windowStart,
  type YearMonth,
} from "../report/reporting-month.ts";
import type { ContractLimit, ContractLine, ForecastEntry, UsageContract } from "../report/usage-types.ts";
import type { UsageObservation } from "./observations.ts";

/** A line needs this many months with a high-water mark before it is drawn. */
const MIN_FORECAST_MONTHS = 3;

interface ForecastInput {
  readonly contract: UsageContract;
  /** The report's reporting month. */
  readonly asOf: string;
  /**
   * The month the report was generated in (reporting time zone): requests and model-hours of this
   * month and later are still counting, so they are not fitted.
   */
  readonly generatedMonth: string;
  /** This report first, then the stored reports of the same cluster. */
  readonly observations: readonly UsageObservation[];
}

interface Point {
  readonly month: YearMonth;
  readonly value: number;
}

/** A contract line with a measure: what the projections hold against the limit. */
interface MeasuredLine {
  readonly used: number;
  readonly limit: number;
}

/**
 * A least-squares line per contract line over the unit's monthly high-water marks in the term (the
 * highest value any report showed for that month), projected to the term's last month. An
 * estimate: it says so in `basis`, and gives none below MIN_FORECAST_MONTHS months.
 */
export function forecastUsage(input: ForecastInput): ForecastEntry[] {
  const { contract } = input;
  if (contract.term === null) return [];
  const term = { start: parseAsOf(contract.term.start), end: parseAsOf(contract.term.end) };
  return contract.lines.map((line) => forecastLine(line, term, input));
}

function forecastLine(
  line: ContractLine,
  term: { start: YearMonth; end: YearMonth },
  input: ForecastInput,
): ForecastEntry {
  const none = (months: number, basis: string): ForecastEntry => ({
    unit: line.unit,
    at_term_end: null,
    crosses_limit: null,
    months,
    basis,
  });
  const used = line.used;
  if (used === null) return none(0, "Not measured in this database: no forecast.");
  const asOf = parseAsOf(input.asOf);
  const points = highWaterMarks(line.unit, term, asOf, input);
  const listed = points.map((point) => formatYearMonth(point.month)).join(", ");
  if (points.length < MIN_FORECAST_MONTHS) {
    return none(
      points.length,
      `${points.length} month(s) with a high-water mark in the term${points.length === 0 ? "" : ` (${listed})`}: a forecast needs at least ${MIN_FORECAST_MONTHS}.`,
    );
  }
  const estimate = fitLine(points);
  const first = formatYearMonth((points[0] as Point).month);
  const last = formatYearMonth((points.at(-1) as Point).month);
  const basis = `An estimate: least-squares line over the monthly high-water marks of ${points.length} months (${first} to ${last}) of this cluster's reports, projected to ${formatYearMonth(term.end)}.`;
  // The term line's `used` is the term's requests so far (usage.units.api_requests_term).
  const projection =
    line.unit === "api_requests_per_term"
      ? projectTerm(estimate, { used, limit: line.limit }, term, asOf, input)
      : projectLevel(estimate, { used, limit: line.limit }, term.end, asOf);
  return { unit: line.unit, ...projection, months: points.length, basis };
}

/** Services and model-hours per month: the line's value at the term's end, and the first month above the limit. */
function projectLevel(
  estimate: (month: YearMonth) => number,
  line: MeasuredLine,
  end: YearMonth,
  asOf: YearMonth,
): Pick<ForecastEntry, "at_term_end" | "crosses_limit"> {
  let crosses: string | null = null;
  for (let month = asOf; compareYearMonth(month, end) <= 0; month = addMonths(month, 1)) {
    const value =
      compareYearMonth(month, asOf) === 0 ? Math.max(line.used, estimate(month)) : estimate(month);
    if (value > line.limit) {
      crosses = formatYearMonth(month);
      break;
    }
  }
  return { at_term_end: Math.max(0, Math.round(estimate(end))), crosses_limit: crosses };
}

/** Requests in the term: what was counted so far plus the line's monthly values for the months left. */
function projectTerm(
  estimate: (month: YearMonth) => number,
  line: MeasuredLine,
  term: { start: YearMonth; end: YearMonth },
  asOf: YearMonth,
  input: ForecastInput,
): Pick<ForecastEntry, "at_term_end" | "crosses_limit"> {
  const generated = parseAsOf(input.generatedMonth);
  // The as-of month is still counting when the report was made in it: the line may say more.
  const partial = compareYearMonth(asOf, generated) >= 0;
  const thisMonth = input.observations[0]?.requests?.get(input.asOf) ?? 0;
  let total = line.used;
  if (partial && compareYearMonth(asOf, term.end) <= 0) total += Math.max(0, estimate(asOf) - thisMonth);
  let crosses: string | null = total > line.limit ? formatYearMonth(asOf) : null;
  for (let month = addMonths(asOf, 1); compareYearMonth(month, term.end) <= 0; month = addMonths(month, 1)) {
    total += Math.max(0, estimate(month));
    if (crosses === null && total > line.limit) crosses = formatYearMonth(month);
  }
  return { at_term_end: Math.round(total), crosses_limit: crosses };
}

/**
 * The unit's highest value per month of the term up to the as-of month. Services: from the reports
 * made for that month. Requests and model-hours: from every report's 12-month window (a month
 * without a bucket counted nothing), months still counting left out.
 */
function highWaterMarks(
  unit: ContractLimit,
  term: { start: YearMonth; end: YearMonth },
  asOf: YearMonth,
  input: ForecastInput,
): Point[] {
  const last = compareYearMonth(asOf, term.end) < 0 ? asOf : term.end;
  const generated = parseAsOf(input.generatedMonth);
  const marks = new Map<string, number>();
  const raise = (month: string, value: number | null) => {
    if (value === null) return;
    marks.set(month, Math.max(marks.get(month) ?? value, value));
  };
  for (const observation of input.observations) {
    if (unit === "gateway_services" || unit === "discrete_services") {
      if (observation.asOf !== undefined) {
        raise(
          observation.asOf,
          unit === "gateway_services" ? observation.gatewayServices : observation.discreteServices,
        );
      }
      continue;
    }
    const months = unit === "ai_model_hours_per_month" ? observation.aiModelHours : observation.requests;
    if (months === null || observation.asOf === undefined) continue;
    // A month of the report's window without a row is a month Kong counted nothing in.
    const end = parseAsOf(observation.asOf);
    for (let month = windowStart(end); compareYearMonth(month, end) <= 0; month = addMonths(month, 1)) {
      const label = formatYearMonth(month);
      if (compareYearMonth(month, generated) < 0) raise(label, months.get(label) ?? 0);
    }
  }
  return [...marks]
    .map(([month, value]) => ({ month: parseAsOf(month), value }))
    .filter(
      (point) => compareYearMonth(point.month, term.start) >= 0 && compareYearMonth(point.month, last) <= 0,
    )
    .sort((a, b) => compareYearMonth(a.month, b.month));
}

/** Ordinary least squares over (month index, value). */
function fitLine(points: readonly Point[]): (month: YearMonth) => number {
  const xs = points.map((point) => index(point.month));
  const meanX = xs.reduce((sum, x) => sum + x, 0) / points.length;
  const meanY = points.reduce((sum, point) => sum + point.value, 0) / points.length;
  let sxy = 0;
  let sxx = 0;
  points.forEach((point, i) => {
    const dx = (xs[i] as number) - meanX;
    sxy += dx * (point.value - meanY);
    sxx += dx * dx;
  });
  // sxx > 0: the points are at least MIN_FORECAST_MONTHS distinct months.
  const slope = sxy / sxx;
  return (month) => meanY + slope * (index(month) - meanX);
}

function index(month: YearMonth): number {
  return month.year * 12 + month.month - 1;
}
