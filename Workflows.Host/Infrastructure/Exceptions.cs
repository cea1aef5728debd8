namespace Workflows.Host.Infrastructure;

/// <summary>Something the request names does not exist (404).</summary>
internal sealed class NotFoundException(string message) : Exception(message);

/// <summary>The request conflicts with the current state (409), e.g. a draft already exists.</summary>
internal sealed class ConflictException(string message) : Exception(message);

/// <summary>A failure that retrying cannot fix (no address, unknown kind, ...): the message goes dead at once.</summary>
internal sealed class PermanentDeliveryException(string message) : Exception(message);

/// <summary>The receiver refused or failed (non-2xx); retried with backoff.</summary>
internal sealed class DeliveryFailedException(string message) : Exception(message);
