using Cairn.Frontend;
using Cairn.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("frontend");
builder.Services.AddS3Frontend(builder.Configuration);
builder.Services.AddFrontendBackends();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapS3(app.Configuration);
app.Run();

public partial class Program;
