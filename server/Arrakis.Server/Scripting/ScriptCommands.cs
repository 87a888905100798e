using Arrakis.Server.Commands;

namespace Arrakis.Server.Scripting;

/// <summary>EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT LOAD/EXISTS/FLUSH/KILL (HELP comes from the captured help texts).</summary>
internal static class ScriptCommands
{
    public static void Register(Dictionary<string, CommandHandler> h)
    {
        h["eval"] = c => c.Server.Scripts.Eval(c, bySha: false, readOnly: false);
        h["evalsha"] = c => c.Server.Scripts.Eval(c, bySha: true, readOnly: false);
        h["eval_ro"] = c => c.Server.Scripts.Eval(c, bySha: false, readOnly: true);
        h["evalsha_ro"] = c => c.Server.Scripts.Eval(c, bySha: true, readOnly: true);
        h["script|load"] = c => c.Server.Scripts.Load(c);
        h["script|exists"] = c => c.Server.Scripts.Exists(c);
        h["script|flush"] = Flush;
        h["script|debug"] = ScriptEngine.Debug;
        h["script|kill"] = c => c.Server.Scripts.Kill(c, function: false, c.Server.Functions);
    }

    private static void Flush(CommandContext c)
    {
        if (c.ArgCount > 3 || (c.ArgCount == 3 && !c.ArgIs(2, "SYNC") && !c.ArgIs(2, "ASYNC")))
        {
            c.Error("ERR SCRIPT FLUSH only support SYNC|ASYNC option");
            return;
        }
        c.Server.Scripts.Flush();
        c.Reply.WriteOk();
    }
}
