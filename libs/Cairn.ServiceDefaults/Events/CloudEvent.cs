using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;

namespace Cairn.ServiceDefaults.Events;

/// <summary>
/// The CloudEvents 1.0 envelope exactly as Dapr delivers it (structured mode, JSON <c>data</c>), so a
/// subscriber cannot tell whether the direct transport or a Dapr sidecar brought the event.
/// </summary>
public static class CloudEvent
{
    public const string PubSubName = "pubsub";
    public const string ContentType = "application/cloudevents+json";

    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(false));
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));

    public static JsonObject Create(string source, string topic, IMessage message, string? id = null, string? traceParent = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        var envelope = new JsonObject
        {
            ["specversion"] = "1.0",
            ["id"] = id ?? Guid.NewGuid().ToString("N"),
            ["source"] = source,
            ["type"] = "com.dapr.event.sent",
            ["datacontenttype"] = "application/json",
            ["topic"] = topic,
            ["pubsubname"] = PubSubName,
            ["time"] = DateTimeOffset.UtcNow.ToString("O"),
            ["data"] = JsonNode.Parse(Formatter.Format(message)),
        };
        if (traceParent is not null)
        {
            envelope["traceparent"] = traceParent;
        }

        return envelope;
    }

    /// <summary>The protobuf JSON text of a message, the <c>data</c> of its event.</summary>
    public static string DataJson(IMessage message) => Formatter.Format(message);

    /// <summary>Reads the data of a structured CloudEvent (or, leniently, a bare JSON payload) as a protobuf message.</summary>
    public static T ParseData<T>(JsonElement root) where T : IMessage<T>, new()
    {
        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("specversion", out _))
        {
            if (root.TryGetProperty("data", out var data))
            {
                var text = data.ValueKind == JsonValueKind.String ? data.GetString()! : data.GetRawText();
                return Parser.Parse<T>(text);
            }

            if (root.TryGetProperty("data_base64", out var b64))
            {
                return new MessageParser<T>(() => new T()).ParseFrom(Convert.FromBase64String(b64.GetString()!));
            }

            return new T();
        }

        return Parser.Parse<T>(root.GetRawText());
    }

    public static string? Id(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty("id", out var id) ? id.GetString() : null;
}
