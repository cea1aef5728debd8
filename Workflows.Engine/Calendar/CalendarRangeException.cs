namespace Workflows.Engine.Calendar;

/// <summary>
/// A due time the working calendar cannot count: it would fall after the last date the calendar can represent, or
/// the calendar has no working day for years. Callers turn it into a problem for whoever asked (never a crash).
/// </summary>
public sealed class CalendarRangeException(string message, Exception? innerException = null) : InvalidOperationException(message, innerException);
