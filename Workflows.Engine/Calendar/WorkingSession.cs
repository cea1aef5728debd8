using System.Globalization;

namespace Workflows.Engine.Calendar;

/// <summary>
/// One working period of a day ("buổi"), e.g. the morning 07:30-11:30.
/// Half-open in time: <see cref="Start"/> is working time, <see cref="End"/> is not.
/// </summary>
public sealed record WorkingSession(TimeOnly Start, TimeOnly End)
{
    // Explicit get-only properties so that `with` cannot bypass the validation below.
    public TimeOnly Start { get; } = Start;

    // A session never crosses midnight: one-stop centres do not work night shifts, and it keeps
    // every session inside a single calendar date.
    public TimeOnly End { get; } = Start < End
        ? End
        : throw new ArgumentException(
            $"A working session must start before it ends; got {Format(Start)}-{Format(End)}.", nameof(End));

    public TimeSpan Duration => End - Start;

    public override string ToString() => $"{Format(Start)}-{Format(End)}";

    private static string Format(TimeOnly time) => time.ToString("HH:mm", CultureInfo.InvariantCulture);
}
