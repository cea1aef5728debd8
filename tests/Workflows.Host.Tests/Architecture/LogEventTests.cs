using System.Reflection;

namespace Workflows.Host.Tests.Architecture;

public sealed class LogEventTests
{
    /// <summary>Operators filter and alert on event ids: each message has its own, and keeps it.</summary>
    [Fact]
    public void Every_log_message_of_the_host_has_its_own_event_id()
    {
        var messages = typeof(Workflows.Host.Persistence.ChangesetStore).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Select(m => (Method: $"{m.DeclaringType!.Name}.{m.Name}", Attribute: m.GetCustomAttribute<Microsoft.Extensions.Logging.LoggerMessageAttribute>()))
            .Where(m => m.Attribute is not null)
            .ToList();

        Assert.NotEmpty(messages);
        Assert.Empty(messages.Where(m => m.Attribute!.EventId <= 0).Select(m => m.Method));
        var shared = messages.GroupBy(m => m.Attribute!.EventId).Where(g => g.Count() > 1).Select(g => $"{g.Key}: {string.Join(", ", g.Select(m => m.Method))}");
        Assert.Empty(shared);
    }
}
