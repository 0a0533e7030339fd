const longDate = new Intl.DateTimeFormat("en-GB", { dateStyle: "long", timeZone: "UTC" });
const dateTime = new Intl.DateTimeFormat("en-GB", {
  dateStyle: "long",
  timeStyle: "short",
  timeZone: "UTC",
});

/** "17 July 2018" (UTC, so server and browser agree). */
export function formatDate(date: Date): string {
  return longDate.format(date);
}

/** "17 July 2018 at 09:00 UTC" */
export function formatDateTime(date: Date): string {
  return `${dateTime.format(date)} UTC`;
}
