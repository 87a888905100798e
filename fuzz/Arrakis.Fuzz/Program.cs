using Arrakis.Fuzz;
using SharpFuzz;

// Usage: Arrakis.Fuzz <target>            run under afl-fuzz (input on stdin or @@ file, SharpFuzz's fork server)
//        Arrakis.Fuzz <target> <path...>  replay files or folders once (reproduce a crash, check a corpus)
if (args.Length == 0 || !FuzzTargets.All.TryGetValue(args[0], out var target))
{
    Console.Error.WriteLine("usage: Arrakis.Fuzz <" + string.Join('|', FuzzTargets.All.Keys) + "> [file-or-folder ...]");
    return 2;
}
if (args.Length > 1)
{
    int failed = 0, total = 0;
    foreach (string file in args.Skip(1).SelectMany(p => Directory.Exists(p) ? Directory.GetFiles(p) : [p]).Order())
    {
        total++;
        try
        {
            target(File.ReadAllBytes(file));
        }
        catch (Exception e)
        {
            failed++;
            Console.WriteLine($"FAIL {file}: {e}");
        }
    }
    Console.WriteLine($"{args[0]}: {total} inputs, {failed} failed");
    return failed == 0 ? 0 : 1;
}
Fuzzer.Run(stream =>
{
    using var copy = new MemoryStream();
    stream.CopyTo(copy);
    target(copy.GetBuffer().AsSpan(0, (int)copy.Length));
});
return 0;
