using Cairn.Namespace.V1;

namespace Cairn.Namespace.Domain;

/// <summary>
/// Where unreferenced layouts go once their transaction has committed (never before: a rolled-back commit
/// must not get its live shards collected). In the service this is the "object-garbage" topic.
/// </summary>
public interface IGarbageSink
{
    Task PublishAsync(ObjectGarbageEvent garbage, CancellationToken ct);
}
