using Google.Protobuf;

namespace Cairn.Dashboard.Tests.Stack;

/// <summary>
/// Reads an OTLP <c>ExportTraceServiceRequest</c> (opentelemetry/proto/collector/trace/v1) straight off the wire:
/// the OTLP proto classes are not served here, and the handful of fields we need are stable field numbers.
/// </summary>
public static class OtlpTraceDecoder
{
    public static List<OtlpSpan> Decode(byte[] request)
    {
        var spans = new List<OtlpSpan>();
        foreach (var resourceSpans in LengthDelimited(ByteString.CopyFrom(request), 1))
        {
            var service = "";
            foreach (var resource in LengthDelimited(resourceSpans, 1))
            {
                service = Attributes(resource, 1).GetValueOrDefault("service.name", "");
            }

            foreach (var scopeSpans in LengthDelimited(resourceSpans, 2))
            {
                foreach (var span in LengthDelimited(scopeSpans, 2))
                {
                    spans.Add(Span(service, span));
                }
            }
        }

        return spans;
    }

    private static OtlpSpan Span(string service, ByteString span)
    {
        string traceId = "", spanId = "", parent = "", name = "";
        var kind = 0;
        foreach (var (field, value, number) in Fields(span))
        {
            switch (field)
            {
                case 1: traceId = Convert.ToHexStringLower(value!.Span); break;
                case 2: spanId = Convert.ToHexStringLower(value!.Span); break;
                case 4: parent = Convert.ToHexStringLower(value!.Span); break;
                case 5: name = value!.ToStringUtf8(); break;
                case 6: kind = (int)number; break;
            }
        }

        return new OtlpSpan(service, traceId, spanId, parent, name, kind, Attributes(span, 9));
    }

    /// <summary>String-valued attributes (KeyValue { key = 1; AnyValue value = 2 { string_value = 1 } }).</summary>
    private static Dictionary<string, string> Attributes(ByteString message, int field)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var keyValue in LengthDelimited(message, field))
        {
            var key = LengthDelimited(keyValue, 1).Select(k => k.ToStringUtf8()).FirstOrDefault();
            var text = LengthDelimited(keyValue, 2).SelectMany(v => LengthDelimited(v, 1)).Select(s => s.ToStringUtf8()).FirstOrDefault();
            if (key is not null && text is not null)
            {
                result[key] = text;
            }
        }

        return result;
    }

    private static IEnumerable<ByteString> LengthDelimited(ByteString message, int field) =>
        Fields(message).Where(f => f.Field == field && f.Bytes is not null).Select(f => f.Bytes!);

    private static List<(int Field, ByteString? Bytes, ulong Number)> Fields(ByteString message)
    {
        var fields = new List<(int, ByteString?, ulong)>();
        var input = message.CreateCodedInput();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            var field = WireFormat.GetTagFieldNumber(tag);
            switch (WireFormat.GetTagWireType(tag))
            {
                case WireFormat.WireType.LengthDelimited: fields.Add((field, input.ReadBytes(), 0)); break;
                case WireFormat.WireType.Varint: fields.Add((field, null, input.ReadUInt64())); break;
                case WireFormat.WireType.Fixed64: fields.Add((field, null, input.ReadFixed64())); break;
                case WireFormat.WireType.Fixed32: fields.Add((field, null, input.ReadFixed32())); break;
                default: input.SkipLastField(); break;
            }
        }

        return fields;
    }
}
