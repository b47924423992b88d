using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Cairn.ServiceDefaults.Tests.Consul;

/// <summary>
/// An in-test Consul agent speaking the documented endpoints we use: service register and deregister, and the
/// health query with <c>passing</c>, blocking <c>index</c>/<c>wait</c> and the <c>X-Consul-Index</c> header.
/// Health is not checked: the test sets each instance's status.
/// </summary>
internal sealed class FakeConsul : IAsyncDisposable
{
    private readonly object _gate = new();
    private readonly Dictionary<string, (JsonObject Body, string Status)> _services = new(StringComparer.Ordinal);
    private readonly WebApplication _app;
    private readonly CancellationTokenSource _dying = new();
    private ulong _index = 1;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private FakeConsul(WebApplication app) => _app = app;

    public Uri Address { get; private set; } = null!;

    /// <summary>Status a newly registered instance starts in (a real agent starts it critical until its check passes).</summary>
    public string InitialStatus { get; set; } = "passing";

    public ConcurrentQueue<JsonObject> Registrations { get; } = new();

    public ConcurrentQueue<string> Deregistrations { get; } = new();

    public int HealthQueries;

    public static async Task<FakeConsul> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeConsul(app);
        app.MapPut("/v1/agent/service/register", async (HttpRequest request) =>
        {
            var body = (JsonObject)(await JsonNode.ParseAsync(request.Body))!;
            fake.Registrations.Enqueue((JsonObject)body.DeepClone());
            fake.Put(body, fake.InitialStatus);
            return Results.Ok();
        });
        app.MapPut("/v1/agent/service/deregister/{id}", (string id) =>
        {
            fake.Deregistrations.Enqueue(id);
            fake.Remove(id);
            return Results.Ok();
        });
        app.MapGet("/v1/health/service/{name}", fake.HealthAsync);
        await app.StartAsync();
        fake.Address = new Uri(app.Urls.Single());
        return fake;
    }

    public void AddInstance(string id, string name, int port, string status = "passing", Dictionary<string, string>? meta = null)
    {
        var metaNode = new JsonObject();
        foreach (var (k, v) in meta ?? [])
        {
            metaNode[k] = v;
        }

        Put(new JsonObject { ["ID"] = id, ["Name"] = name, ["Address"] = "127.0.0.1", ["Port"] = port, ["Meta"] = metaNode }, status);
    }

    public void SetStatus(string id, string status)
    {
        lock (_gate)
        {
            _services[id] = (_services[id].Body, status);
            BumpLocked();
        }
    }

    public void Remove(string id)
    {
        lock (_gate)
        {
            if (_services.Remove(id))
            {
                BumpLocked();
            }
        }
    }

    public bool IsRegistered(string id)
    {
        lock (_gate)
        {
            return _services.ContainsKey(id);
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Blocking queries in flight are cut, as they are when an agent dies (a graceful stop would wait for them).
        if (_dying.IsCancellationRequested)
        {
            return;
        }

        await _dying.CancelAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _dying.Dispose();
    }

    private void Put(JsonObject body, string status)
    {
        lock (_gate)
        {
            _services[(string)body["ID"]!] = (body, status);
            BumpLocked();
        }
    }

    private void BumpLocked()
    {
        _index++;
        _changed.TrySetResult();
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private async Task HealthAsync(HttpContext ctx, string name)
    {
        Interlocked.Increment(ref HealthQueries);
        var query = ctx.Request.Query;
        var passingOnly = query.ContainsKey("passing") && query["passing"] != "false";
        var index = ulong.TryParse(query["index"], CultureInfo.InvariantCulture, out var i) ? i : 0;
        var wait = query["wait"].ToString() is { Length: > 1 } w && w.EndsWith('s') ? TimeSpan.FromSeconds(int.Parse(w[..^1], CultureInfo.InvariantCulture)) : TimeSpan.FromMinutes(5);
        var deadline = DateTime.UtcNow + wait;
        string text;
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (index == 0 || _index > index || DateTime.UtcNow >= deadline)
                {
                    ctx.Response.Headers["X-Consul-Index"] = _index.ToString(CultureInfo.InvariantCulture);
                    var entries = new JsonArray(_services.Values
                        .Where(s => (string?)s.Body["Name"] == name && (!passingOnly || s.Status == "passing"))
                        .Select(s => (JsonNode)Entry(s.Body, s.Status)).ToArray());
                    text = entries.ToJsonString();
                    break;
                }

                changed = _changed.Task;
            }

            try
            {
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, _dying.Token);
                await changed.WaitAsync(TimeSpan.FromTicks(Math.Max(0, (deadline - DateTime.UtcNow).Ticks)), linked.Token);
            }
            catch (OperationCanceledException)
            {
                ctx.Abort();
                return;
            }
            catch (TimeoutException)
            {
                // loop once more: answer with the unchanged index, as Consul does when the wait elapses
            }
        }

        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync(text);
    }

    private static JsonObject Entry(JsonObject body, string status) => new()
    {
        ["Node"] = new JsonObject { ["Node"] = "fake", ["Address"] = "127.0.0.1" },
        ["Service"] = new JsonObject
        {
            ["ID"] = body["ID"]?.DeepClone(),
            ["Service"] = body["Name"]?.DeepClone(),
            ["Address"] = body["Address"]?.DeepClone(),
            ["Port"] = body["Port"]?.DeepClone(),
            ["Tags"] = body["Tags"]?.DeepClone() ?? new JsonArray(),
            ["Meta"] = body["Meta"]?.DeepClone() ?? new JsonObject(),
        },
        ["Checks"] = new JsonArray(new JsonObject { ["Status"] = status }),
    };
}
