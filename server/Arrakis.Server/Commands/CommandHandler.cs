namespace Arrakis.Server.Commands;

/// <summary>Runs one command: reads arguments from the context, writes exactly one reply.</summary>
internal delegate void CommandHandler(CommandContext ctx);
