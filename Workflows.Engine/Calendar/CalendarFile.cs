using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Workflows.Engine.Calendar;

/// <summary>
/// One year of a working calendar as stored in <c>definitions/calendars/&lt;year&gt;.json</c>
/// (schema <c>calendar.schema.json</c>): weekly sessions, days off and worked weekend days.
/// </summary>
/// <remarks>
/// Holidays are announced year by year, so each year is its own file; <see cref="ToCalendar"/> merges
/// the years a deployment needs into one <see cref="WorkingCalendar"/>.
/// </remarks>
public sealed record CalendarFile
{
    [JsonPropertyName("$schema")]
    public string? Schema { get; init; }

    public required int Year { get; init; }

    /// <summary>True when any day of the year is estimated rather than officially announced.</summary>
    public required bool Provisional { get; init; }

    /// <summary>Free text about the working hours, which are local configuration.</summary>
    public string? SessionsNote { get; init; }

    public required CalendarWeek Sessions { get; init; }

    /// <summary>Sessions of a worked day; the Monday sessions when absent.</summary>
    public IReadOnlyList<CalendarSession>? WorkedDaySessions { get; init; }

    public required IReadOnlyList<CalendarDayOff> Holidays { get; init; }

    public required IReadOnlyList<CalendarWorkedDay> WorkedDays { get; init; }

    public required IReadOnlyList<string> Sources { get; init; }

    public IReadOnlyList<string>? Notes { get; init; }

    /// <summary>camelCase names and enum values, "yyyy-MM-dd" dates, "HH:mm" times, unknown fields rejected.</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    /// <summary>Parses and checks one year file.</summary>
    /// <exception cref="CalendarFileException">The JSON is malformed, has the wrong shape, or breaks a calendar rule; <see cref="CalendarFileException.Path"/> says where.</exception>
    public static CalendarFile Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        CalendarFile? file;
        try
        {
            file = JsonSerializer.Deserialize<CalendarFile>(json, Options);
        }
        catch (JsonException ex)
        {
            throw new CalendarFileException(ex.Path ?? "$", Describe(ex), ex);
        }

        if (file is null)
        {
            throw new CalendarFileException("$", "The file is empty (null).");
        }

        file.Validate();
        return file;
    }

    /// <summary>
    /// Merges several years into one calendar: weekly sessions (and worked-day sessions) from the
    /// latest year, holidays and worked days from all of them.
    /// </summary>
    /// <exception cref="ArgumentException">No years, or the same year twice.</exception>
    public static WorkingCalendar ToCalendar(IEnumerable<CalendarFile> years)
    {
        ArgumentNullException.ThrowIfNull(years);
        var files = years.OrderBy(f => f?.Year).ToList();
        if (files.Count == 0)
        {
            throw new ArgumentException("At least one calendar year is needed.", nameof(years));
        }

        for (var i = 0; i < files.Count; i++)
        {
            if (files[i] is null)
            {
                throw new ArgumentException("A calendar year is null.", nameof(years));
            }

            if (i > 0 && files[i].Year == files[i - 1].Year)
            {
                throw new ArgumentException($"The year {files[i].Year} is given twice.", nameof(years));
            }
        }

        var latest = files[^1];
        return new WorkingCalendar(
            latest.Sessions.ToWeeklySessions(),
            files.SelectMany(f => f.Holidays).Select(h => h.Date),
            files.SelectMany(f => f.WorkedDays).Select(w => w.Date),
            latest.WorkedDaySessions is null ? null : ToWorkingSessions(latest.WorkedDaySessions));
    }

    private void Validate()
    {
        if (Year is < 1900 or > 2999)
        {
            throw new CalendarFileException("$.year", $"The year must be between 1900 and 2999; got {Year}.");
        }

        var weekly = new Dictionary<DayOfWeek, IReadOnlyList<CalendarSession>>();
        foreach (var (day, sessions) in Sessions.Days())
        {
            CheckSessions(sessions, $"$.sessions.{JsonNamingPolicy.CamelCase.ConvertName(day.ToString())}");
            weekly[day] = sessions;
        }

        if (weekly.Values.All(s => s.Count == 0))
        {
            throw new CalendarFileException("$.sessions", "No weekday has working sessions.");
        }

        if (WorkedDaySessions is not null)
        {
            CheckSessions(WorkedDaySessions, "$.workedDaySessions");
        }

        var daysOff = new Dictionary<DateOnly, CalendarDayOff>();
        for (var i = 0; i < Holidays.Count; i++)
        {
            var path = $"$.holidays[{i}]";
            var holiday = Holidays[i] ?? throw new CalendarFileException(path, "A holiday entry is null.");
            CheckInYear(holiday.Date, $"{path}.date");
            if (!daysOff.TryAdd(holiday.Date, holiday))
            {
                throw new CalendarFileException($"{path}.date", $"{Format(holiday.Date)} is listed twice as a day off.");
            }

            CheckProvisional(holiday.Provisional, holiday.Date);
        }

        var worked = new HashSet<DateOnly>();
        for (var i = 0; i < WorkedDays.Count; i++)
        {
            var path = $"$.workedDays[{i}]";
            var day = WorkedDays[i] ?? throw new CalendarFileException(path, "A worked-day entry is null.");
            CheckInYear(day.Date, $"{path}.date");
            if (daysOff.ContainsKey(day.Date))
            {
                throw new CalendarFileException($"{path}.date", $"{Format(day.Date)} is listed both as a day off and as a worked day.");
            }

            if (weekly.TryGetValue(day.Date.DayOfWeek, out var sessions) && sessions.Count > 0)
            {
                throw new CalendarFileException($"{path}.date",
                    $"Worked day {Format(day.Date)} is a {day.Date.DayOfWeek}, which is already a working day; a worked day must be a weekly day off (weekend).");
            }

            if (!worked.Add(day.Date))
            {
                throw new CalendarFileException($"{path}.date", $"{Format(day.Date)} is listed twice as a worked day.");
            }

            // A worked day without a bridge day is an extra working day (a Saturday worked to clear a backlog). The
            // bridge day may be in the neighbouring year (a 31/12 bridge paid back in January); within the year it
            // must be listed as a bridge.
            if (day.Replaces is { } replaces && replaces.Year == Year && !(daysOff.TryGetValue(replaces, out var bridge) && bridge.Kind == DayOffKind.Bridge))
            {
                throw new CalendarFileException($"{path}.replaces",
                    $"Worked day {Format(day.Date)} replaces {Format(replaces)}, which is not listed as a bridge day in holidays.");
            }

            CheckProvisional(day.Provisional, day.Date);
        }

        if (Sources.Count == 0)
        {
            throw new CalendarFileException("$.sources", "Say where the days were confirmed: at least one source is needed.");
        }
    }

    private void CheckInYear(DateOnly date, string path)
    {
        if (date.Year != Year)
        {
            throw new CalendarFileException(path, $"{Format(date)} is outside the file's year {Year}.");
        }
    }

    private void CheckProvisional(bool dayIsProvisional, DateOnly date)
    {
        if (dayIsProvisional && !Provisional)
        {
            throw new CalendarFileException("$.provisional",
                $"{Format(date)} is provisional, so the year must be marked provisional too.");
        }
    }

    private static void CheckSessions(IReadOnlyList<CalendarSession> sessions, string path)
    {
        for (var i = 0; i < sessions.Count; i++)
        {
            var session = sessions[i] ?? throw new CalendarFileException($"{path}[{i}]", "A session is null.");
            if (session.End <= session.Start)
            {
                throw new CalendarFileException($"{path}[{i}].end",
                    $"A session must end after it starts; got {session}.");
            }

            if (i > 0 && session.Start < sessions[i - 1].End)
            {
                throw new CalendarFileException($"{path}[{i}].start",
                    $"Sessions must be sorted and must not overlap: {sessions[i - 1]} and {session}.");
            }
        }
    }

    internal static IReadOnlyList<WorkingSession> ToWorkingSessions(IReadOnlyList<CalendarSession> sessions) =>
        [.. sessions.Select(s => new WorkingSession(s.Start, s.End))];

    private static string Format(DateOnly date) => date.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture);

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            WriteIndented = true,
            ReadCommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            NumberHandling = JsonNumberHandling.Strict,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        options.Converters.Add(new DateConverter());
        options.Converters.Add(new TimeConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    private static string Describe(JsonException ex) => JsonMessages.Describe(ex, "Workflows.Engine.Calendar");

    /// <summary>Strict ISO local dates: "2026-02-16".</summary>
    private sealed class DateConverter : JsonConverter<DateOnly>
    {
        public override DateOnly Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            return DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
                ? date
                : throw new JsonException($"Expected a date as \"yyyy-MM-dd\" (e.g. \"2026-02-16\"); got {Token(ref reader)}.");
        }

        public override void Write(Utf8JsonWriter writer, DateOnly value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
    }

    /// <summary>Strict 24-hour local times: "07:30".</summary>
    private sealed class TimeConverter : JsonConverter<TimeOnly>
    {
        public override TimeOnly Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            return TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)
                ? time
                : throw new JsonException($"Expected a time as \"HH:mm\" (e.g. \"07:30\"); got {Token(ref reader)}.");
        }

        public override void Write(Utf8JsonWriter writer, TimeOnly value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.ToString("HH:mm", CultureInfo.InvariantCulture));
    }

    private static string Token(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => $"\"{reader.GetString()}\"",
        JsonTokenType.Null => "null",
        _ => reader.TokenType.ToString().ToLowerInvariant(),
    };
}

/// <summary>Weekly sessions by weekday; an absent weekday has none (a weekly day off).</summary>
public sealed record CalendarWeek
{
    public IReadOnlyList<CalendarSession>? Monday { get; init; }

    public IReadOnlyList<CalendarSession>? Tuesday { get; init; }

    public IReadOnlyList<CalendarSession>? Wednesday { get; init; }

    public IReadOnlyList<CalendarSession>? Thursday { get; init; }

    public IReadOnlyList<CalendarSession>? Friday { get; init; }

    public IReadOnlyList<CalendarSession>? Saturday { get; init; }

    public IReadOnlyList<CalendarSession>? Sunday { get; init; }

    /// <summary>Every weekday with sessions listed (possibly empty), Monday first.</summary>
    public IEnumerable<(DayOfWeek Day, IReadOnlyList<CalendarSession> Sessions)> Days()
    {
        (DayOfWeek, IReadOnlyList<CalendarSession>?)[] days =
        [
            (DayOfWeek.Monday, Monday), (DayOfWeek.Tuesday, Tuesday), (DayOfWeek.Wednesday, Wednesday),
            (DayOfWeek.Thursday, Thursday), (DayOfWeek.Friday, Friday), (DayOfWeek.Saturday, Saturday),
            (DayOfWeek.Sunday, Sunday),
        ];
        foreach (var (day, sessions) in days)
        {
            if (sessions is not null)
            {
                yield return (day, sessions);
            }
        }
    }

    /// <summary>The sessions in the shape <see cref="WorkingCalendar"/> takes.</summary>
    public IReadOnlyDictionary<DayOfWeek, IReadOnlyList<WorkingSession>> ToWeeklySessions() =>
        Days().ToDictionary(d => d.Day, d => CalendarFile.ToWorkingSessions(d.Sessions));
}

/// <summary>A working session in a calendar file, e.g. {"start": "07:30", "end": "11:30"}.</summary>
public sealed record CalendarSession(TimeOnly Start, TimeOnly End)
{
    public override string ToString() =>
        $"{Start.ToString("HH:mm", CultureInfo.InvariantCulture)}-{End.ToString("HH:mm", CultureInfo.InvariantCulture)}";
}

/// <summary>Kind of day off.</summary>
public enum DayOffKind
{
    /// <summary>A public holiday of the Labour Code (ngày nghỉ lễ, Tết).</summary>
    Holiday,

    /// <summary>A compensatory (ngày nghỉ bù) or swapped (ngày nghỉ hoán đổi) day off.</summary>
    Bridge,
}

/// <summary>A day off that would otherwise be worked.</summary>
public sealed record CalendarDayOff(DateOnly Date, string Name, DayOffKind Kind, bool Provisional, string? NameEn = null);

/// <summary>
/// A weekend day that is worked: to pay back the bridge day <see cref="Replaces"/> (ngày làm bù), or, when
/// <see cref="Replaces"/> is absent, as an extra working day that pays back nothing (a Saturday worked to clear a backlog).
/// </summary>
public sealed record CalendarWorkedDay(DateOnly Date, string Name, bool Provisional, DateOnly? Replaces = null);

/// <summary>A calendar file that cannot be read, with the JSON path of the offending value.</summary>
public sealed class CalendarFileException : Exception
{
    public CalendarFileException(string path, string message, Exception? innerException = null)
        : base($"{path}: {message}", innerException)
    {
        Path = path;
        Reason = message;
    }

    /// <summary>JSON path of the offending value, e.g. "$.holidays[3].date".</summary>
    public string Path { get; }

    /// <summary>The message without the path.</summary>
    public string Reason { get; }
}
