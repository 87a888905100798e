using System.Text;
using Arrakis.Persistence.Rdb;
using Arrakis.Server.Commands;

namespace Arrakis.Server.Scripting;

/// <summary>FCALL, FCALL_RO and FUNCTION LOAD/LIST/DELETE/FLUSH/DUMP/RESTORE/STATS/KILL (HELP comes from the captured help texts).</summary>
internal static class FunctionCommands
{
    public static void Register(Dictionary<string, CommandHandler> h)
    {
        h["fcall"] = c => c.Server.Functions.Call(c, readOnly: false);
        h["fcall_ro"] = c => c.Server.Functions.Call(c, readOnly: true);
        h["function|load"] = Load;
        h["function|list"] = List;
        h["function|delete"] = c =>
        {
            if (!c.Server.Functions.Delete(Encoding.UTF8.GetString(c.Arg(2))))
            {
                c.Error("ERR Library not found");
                return;
            }
            c.Stats.Dirty++;
            c.Reply.WriteOk();
        };
        h["function|flush"] = c =>
        {
            if (c.ArgCount > 3)
            {
                c.Error($"ERR unknown subcommand or wrong number of arguments for '{c.ArgText(1)}'. Try FUNCTION HELP.");
                return;
            }
            if (c.ArgCount == 3 && !c.ArgIs(2, "SYNC") && !c.ArgIs(2, "ASYNC"))
            {
                c.Error("ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
                return;
            }
            c.Server.Functions.Flush();
            c.Stats.Dirty++;
            c.Reply.WriteOk();
        };
        h["function|dump"] = c => c.Reply.WriteBulk(RdbFunctions.Encode(c.Server.Functions.Codes()));
        h["function|restore"] = Restore;
        h["function|stats"] = Stats;
        h["function|kill"] = c => c.Server.Functions.Kill(c, function: true, c.Server.Scripts);
    }

    private static void Load(CommandContext c)
    {
        bool replace = false;
        for (int i = 2; i < c.ArgCount - 1; i++)
        {
            if (!c.ArgIs(i, "REPLACE"))
            {
                c.Error("ERR Unknown option given: " + c.ArgText(i));
                return;
            }
            replace = true;
        }
        byte[] code = c.ArgBytes(c.ArgCount - 1);
        var name = c.Server.Functions.Load(code, replace, out string? error);
        if (name is null)
        {
            c.Error(error!);
            return;
        }
        c.Stats.Dirty++;
        // Logged as LOAD REPLACE, whose replay is the same whether or not the library is there: a snapshot reads the
        // libraries when its writer starts, after its beginning, so a load in between is in the base and the log both.
        Durability.EffectRecorder.Replace(c, "FUNCTION"u8.ToArray(), "LOAD"u8.ToArray(), "REPLACE"u8.ToArray(), code);
        c.Reply.WriteBulk(name);
    }

    private static void List(CommandContext c)
    {
        bool withCode = false;
        byte[]? pattern = null;
        for (int i = 2; i < c.ArgCount; i++)
        {
            if (c.ArgIs(i, "WITHCODE") && !withCode)
            {
                withCode = true;
            }
            else if (c.ArgIs(i, "LIBRARYNAME") && pattern is null)
            {
                if (i + 1 >= c.ArgCount)
                {
                    c.Error("ERR library name argument was not given");
                    return;
                }
                pattern = c.ArgBytes(++i);
            }
            else
            {
                c.Error("ERR Unknown argument " + c.ArgText(i));
                return;
            }
        }
        var libraries = c.Server.Functions.Libraries()
            .Where(l => pattern is null || Arrakis.Server.Text.Glob.Match(pattern, Encoding.UTF8.GetBytes(l.Name)))
            .ToList();
        var w = c.Reply;
        w.WriteArrayHeader(libraries.Count);
        foreach (var library in libraries)
        {
            w.WriteMapHeader(withCode ? 4 : 3);
            w.WriteBulk("library_name");
            w.WriteBulk(library.Name);
            w.WriteBulk("engine");
            w.WriteBulk("LUA");
            w.WriteBulk("functions");
            var functions = library.Functions.OrderBy(f => f.Name, StringComparer.Ordinal).ToList();
            w.WriteArrayHeader(functions.Count);
            foreach (var f in functions)
            {
                w.WriteMapHeader(3);
                w.WriteBulk("name");
                w.WriteBulk(f.Name);
                w.WriteBulk("description");
                if (f.Description is null) w.WriteNull();
                else w.WriteBulk(f.Description);
                w.WriteBulk("flags");
                var names = ScriptFlagNames.All.Where(x => (f.Flags & x.Flag) != 0).ToList();
                w.WriteSetHeader(names.Count);
                foreach (var (flag, _) in names) w.WriteSimpleString(flag);
            }
            if (withCode)
            {
                w.WriteBulk("library_code");
                w.WriteBulk(library.Code);
            }
        }
    }

    private static void Restore(CommandContext c)
    {
        string policy = "APPEND";
        if (c.ArgCount > 4)
        {
            c.Error($"ERR unknown subcommand or wrong number of arguments for '{c.ArgText(1)}'. Try FUNCTION HELP.");
            return;
        }
        if (c.ArgCount == 4)
        {
            policy = c.ArgText(3).ToUpperInvariant();
            if (policy is not ("FLUSH" or "APPEND" or "REPLACE"))
            {
                c.Error("ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.");
                return;
            }
        }
        if (RdbFunctions.TryDecode(c.Arg(2), out var codes, out _) is not RdbReadStatus.Ok and var status)
        {
            c.Error(status == RdbReadStatus.Corrupt ? "ERR given type is not a function" : "ERR DUMP payload version or checksum are wrong");
            return;
        }
        var error = c.Server.Functions.Restore(codes, policy);
        if (error is not null)
        {
            c.Error(error);
            return;
        }
        c.Stats.Dirty++;
        c.Reply.WriteOk();
    }

    private static void Stats(CommandContext c)
    {
        var engine = c.Server.Functions;
        var w = c.Reply;
        w.WriteMapHeader(2);
        w.WriteBulk("running_script");
        if (engine.Running is { } run)
        {
            w.WriteMapHeader(3);
            w.WriteBulk("name");
            w.WriteBulk(run.Name);
            w.WriteBulk("command");
            var args = run.CallerArgs;
            w.WriteArrayHeader(args.Length);
            foreach (var a in args) w.WriteBulk(a);
            w.WriteBulk("duration_ms");
            w.WriteInteger((long)run.ElapsedMs);
        }
        else
        {
            w.WriteNull();
        }
        w.WriteBulk("engines");
        w.WriteMapHeader(1);
        w.WriteBulk("LUA");
        w.WriteMapHeader(2);
        w.WriteBulk("libraries_count");
        w.WriteInteger(engine.LibraryCount);
        w.WriteBulk("functions_count");
        w.WriteInteger(engine.FunctionCount);
    }
}
