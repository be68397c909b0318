/** The status and date-range fields every list page filters by (GET form, values kept in the URL). */
export function StatusDateFields({
  statuses,
  status,
  fromText,
  toText,
}: {
  statuses: readonly string[];
  status: string | undefined;
  fromText: string | undefined;
  toText: string | undefined;
}) {
  return (
    <>
      <div className="field">
        <label htmlFor="status">Status</label>
        <select id="status" name="status" defaultValue={status ?? ''}>
          <option value="">Any</option>
          {statuses.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="from">From</label>
        <input id="from" name="from" type="date" defaultValue={fromText} />
      </div>
      <div className="field">
        <label htmlFor="to">To</label>
        <input id="to" name="to" type="date" defaultValue={toText} />
      </div>
    </>
  );
}
