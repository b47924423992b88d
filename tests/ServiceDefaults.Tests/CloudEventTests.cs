using System.Text.Json;
using Cairn.Common.V1;
using Cairn.Namespace.V1;
using Cairn.ServiceDefaults.Events;

namespace Cairn.ServiceDefaults.Tests;

public class CloudEventTests
{
    [Fact]
    public void CloudEvent_Create_HasDaprEnvelopeAndRoundTripsData()
    {
        var evt = new ObjectGarbageEvent
        {
            Bucket = "b",
            Key = "k/ü",
            Reason = "deleted",
            Layouts = { new ShardLayout { Scheme = RedundancyScheme.Replicated, DataShards = 1, ParityShards = 2, Shards = { new ShardLocation { Index = 1, DiskId = "d1", ShardId = "s1" } } } },
        };

        var envelope = CloudEvent.Create("namespace", "object-garbage", evt, id: "e1");
        using var doc = JsonDocument.Parse(envelope.ToJsonString());
        var root = doc.RootElement;

        Assert.Equal("1.0", root.GetProperty("specversion").GetString());
        Assert.Equal("e1", root.GetProperty("id").GetString());
        Assert.Equal("object-garbage", root.GetProperty("topic").GetString());
        Assert.Equal("pubsub", root.GetProperty("pubsubname").GetString());
        Assert.Equal("application/json", root.GetProperty("datacontenttype").GetString());
        Assert.Equal(evt, CloudEvent.ParseData<ObjectGarbageEvent>(root));
    }

    [Fact]
    public void CloudEvent_ParseData_AcceptsBareJsonAndStringData()
    {
        var evt = new ObjectGarbageEvent { Bucket = "x", Key = "y" };
        using var bare = JsonDocument.Parse(CloudEvent.DataJson(evt));
        Assert.Equal(evt, CloudEvent.ParseData<ObjectGarbageEvent>(bare.RootElement));

        var asString = JsonSerializer.Serialize(new { specversion = "1.0", id = "1", data = CloudEvent.DataJson(evt) });
        using var wrapped = JsonDocument.Parse(asString);
        Assert.Equal(evt, CloudEvent.ParseData<ObjectGarbageEvent>(wrapped.RootElement));
    }
}
