// Maintenance, backup and snapshot windows as minutes of the week: pure, shared by config validation
// (a cache snapshot window must not overlap its maintenance window) and the data-tier plan.

const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
const DAY = "(mon|tue|wed|thu|fri|sat|sun)";
const TIME = "([01]\\d|2[0-3]):([0-5]\\d)";

/** A weekly window as ElastiCache and RDS take it: `ddd:hh24:mi-ddd:hh24:mi` (UTC). */
export const WEEKLY_WINDOW = new RegExp(`^${DAY}:${TIME}-${DAY}:${TIME}$`);
/** A daily window: `hh24:mi-hh24:mi` (UTC). */
export const DAILY_WINDOW = new RegExp(`^${TIME}-${TIME}$`);
const WEEK = 7 * 1440;

/** Minute intervals in the week a window covers; a daily `hh:mm-hh:mm` window covers all 7 days. */
export function windowIntervals(window: string): [number, number][] {
    const weekly = WEEKLY_WINDOW.exec(window);
    const daily = DAILY_WINDOW.exec(window);
    const intervals: [number, number][] = [];
    const add = (start: number, end: number) => {
        const length = (end - start + WEEK) % WEEK;
        if (start + length <= WEEK) intervals.push([start, start + length]);
        else intervals.push([start, WEEK], [0, start + length - WEEK]);
    };
    if (weekly) {
        const at = (d: string, h: string, m: string) => DAYS.indexOf(d) * 1440 + Number(h) * 60 + Number(m);
        add(at(weekly[1], weekly[2], weekly[3]), at(weekly[4], weekly[5], weekly[6]));
    } else if (daily) {
        const start = Number(daily[1]) * 60 + Number(daily[2]);
        const length = (Number(daily[3]) * 60 + Number(daily[4]) - start + 1440) % 1440;
        for (let day = 0; day < 7; day++) add(day * 1440 + start, (day * 1440 + start + length) % WEEK);
    } else {
        throw new Error(`Not a window: ${JSON.stringify(window)} (ddd:hh24:mi-ddd:hh24:mi or hh24:mi-hh24:mi)`);
    }
    return intervals;
}

/** Minutes a window lasts (a daily window: each day). */
export function windowLengthMinutes(window: string): number {
    const total = windowIntervals(window).reduce((sum, [start, end]) => sum + end - start, 0);
    return /^\d/.test(window) ? total / 7 : total;
}

/** Whether two windows (weekly or daily) share a minute. */
export function windowsOverlap(a: string, b: string): boolean {
    return windowIntervals(a).some(([s1, e1]) => windowIntervals(b).some(([s2, e2]) => s1 < e2 && s2 < e1));
}
