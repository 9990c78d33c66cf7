namespace Bulwark.Core.Moderation.Scanning;

internal sealed partial class SourceAnalyzer
{
    private sealed partial class FileRun
    {
        private const Signal Endpoints = Signal.Webhook | Signal.PasteSite | Signal.CaptureHost | Signal.RawIpUrl | Signal.MessengerApi;
        private const Signal StealerTargets = Signal.BrowserData | Signal.DiscordToken | Signal.Wallet;
        private const Signal Secrets = Signal.SshKeys | Signal.CloudCredentials | Signal.SystemFiles | Signal.SecretEnvName;

        public void StringRules()
        {
            foreach (var site in model.Strings)
            {
                if (!site.Folded && !StringSignals.MayMatch(model.StringSpan(site.Token)))
                {
                    continue;
                }

                var (line, scope) = (site.Line, site.Scope);
                var (signals, evidence) = StringSignals.Classify(model.ValueOf(site));
                if (signals == Signal.None)
                {
                    continue;
                }

                var facts = Facts(scope, line, Clip(evidence));
                facts.Signals |= signals;
                if ((signals & Secrets) != 0)
                {
                    facts.Secret ??= (line, Clip(evidence));
                }

                _file.Signals |= signals;
                var placement = Place(scope);
                foreach (var signal in Enum.GetValues<Signal>())
                {
                    if (signal != Signal.None && (signals & signal) != 0
                        && (!_signalSites.TryGetValue(signal, out var known) || placement < known.Placement))
                    {
                        _signalSites[signal] = (placement, line, Clip(evidence));
                    }
                }

                if ((signals & (Signal.Webhook | Signal.CaptureHost)) != 0)
                {
                    Add("exfiltration-endpoint", placement, line, Clip(evidence));
                }
                else if ((signals & Signal.PasteSite) != 0)
                {
                    Add("paste-site", placement, line, Clip(evidence));
                }
                else if ((signals & Signal.RawIpUrl) != 0)
                {
                    Add("raw-ip-url", placement, line, Clip(evidence));
                }

                if ((signals & StealerTargets) != 0)
                {
                    Add("stealer-target", placement, line, Clip(evidence));
                }
                else if ((signals & Secrets & ~Signal.SecretEnvName) != 0)
                {
                    Add("secret-access", placement, line, Clip(evidence));
                }

                if ((signals & Signal.PyArmor) != 0)
                {
                    Add("pyarmor", placement, line, Clip(evidence));
                }
            }
        }

        /// <summary>The rules that need two things together: a secret and a way out, a socket and a shell...</summary>
        public void Combinations()
        {
            var file = _file;
            var stealing = (file.Signals & StealerTargets) != 0 || (file.Capabilities & Capability.Spyware) != 0;
            var sending = (file.Capabilities & Capability.Network) != 0 || (file.Signals & Endpoints) != 0;
            if (stealing && sending)
            {
                var (placement, line, evidence) = (file.Signals & StealerTargets) != 0 || _spyware is null ? Site(StealerTargets, file) : _spyware.Value;
                Add("credential-theft", placement, line, evidence);
            }

            var secrets = (file.Signals & Secrets) != 0 || file.EnvironmentDump;
            if (secrets && (file.Signals & Endpoints) != 0)
            {
                var (placement, line, evidence) = Site(Endpoints, file);
                var secret = Site(Secrets, file);
                var what = (file.Signals & Secrets) != 0 ? secret.Evidence : "the whole environment";
                Add("secret-exfiltration", Min(placement, secret.Placement), line, $"{what} and a drop point in one file: {evidence}");
            }

            // The whole environment taken and something sent, in code that runs by itself (install, start-up,
            // import): collection and sending may sit in two helper functions.
            if (file.EnvironmentDump && (file.Capabilities & Capability.Network) != 0 && file.Placement is Placement.Install or Placement.Startup or Placement.Load
                && _functions.Values.Any(f => f.EnvironmentDump && f.Placement != Placement.Deferred && f.Placement != Placement.Test))
            {
                var dump = _functions.Values.First(f => f.EnvironmentDump && f.Placement != Placement.Deferred && f.Placement != Placement.Test);
                var (line, read) = dump.Secret ?? (dump.Line, dump.Evidence);
                Add("secret-exfiltration", dump.Placement, line, $"reads {read}; the file also sends data over the network");
            }

            foreach (var facts in _functions.Values)
            {
                var hasSecret = (facts.Signals & Secrets) != 0 || facts.EnvironmentDump;
                if (hasSecret && (facts.Capabilities & Capability.Network) != 0)
                {
                    // Collecting the whole environment, encoding it and sending it is the ctx/phpass pattern: a
                    // library has no reason to ship every variable somewhere, whoever calls it.
                    var encoded = facts.EnvironmentDump && (facts.Capabilities & Capability.Encode) != 0;
                    var (line, read) = facts.Secret ?? (facts.Line, facts.Evidence);
                    var sent = facts.Send?.Evidence ?? "a network call";
                    Add("secret-exfiltration", facts.Placement, line, $"reads {read}; sends with {sent}",
                        encoded && facts.Placement != Placement.Test ? 90 : null);
                }

                if (facts.SocketCall && ((facts.Capabilities & Capability.DupDescriptor) != 0
                    || ((facts.Capabilities & Capability.Process) != 0 && (facts.ShellString || (facts.Signals & Signal.Shell) != 0))))
                {
                    Add("reverse-shell", facts.Placement, facts.Line, facts.Evidence);
                }

                if ((facts.Signals & (Signal.ShellDownloader | Signal.ReverseShell)) != 0 && (facts.Capabilities & Capability.Process) != 0)
                {
                    var rule = (facts.Signals & Signal.ReverseShell) != 0 ? "reverse-shell" : "shell-downloader";
                    var site = Site(facts.Signals & (Signal.ShellDownloader | Signal.ReverseShell), facts);
                    Add(rule, facts.Placement, site.Line, site.Evidence);
                }

                if ((facts.Signals & Signal.Persistence) != 0 && (facts.Capabilities & (Capability.FileWrite | Capability.Registry | Capability.Process)) != 0)
                {
                    var site = Site(Signal.Persistence, facts);
                    Add("persistence", facts.Placement, site.Line, site.Evidence);
                }

                // Fetch, save, run: the download and the start need not share a variable to be one act.
                if ((facts.Capabilities & (Capability.Network | Capability.Process)) == (Capability.Network | Capability.Process)
                    && (facts.Capabilities & Capability.FileWrite) != 0 && facts.Placement is Placement.Install or Placement.Startup or Placement.Load)
                {
                    Add("download-execute", facts.Placement, facts.Line, facts.Evidence);
                }
            }

            if ((file.Capabilities & Capability.Clipboard) != 0 && (file.Signals & (Signal.CryptoAddress | Signal.Persistence)) != 0)
            {
                var (placement, line, evidence) = Site(Signal.CryptoAddress | Signal.Persistence, file);
                Add("crypto-clipper", placement, line, evidence);
            }
        }

        private static Placement Min(Placement a, Placement b) => a < b ? a : b;

        /// <summary>Where the riskiest occurrence of any of <paramref name="signals"/> is (falling back to the facts' own site).</summary>
        private (Placement Placement, int Line, string Evidence) Site(Signal signals, FunctionFacts facts)
        {
            (Placement Placement, int Line, string Evidence)? best = null;
            foreach (var (signal, site) in _signalSites)
            {
                if ((signals & signal) != 0 && (best is null || site.Placement < best.Value.Placement))
                {
                    best = site;
                }
            }

            return best ?? (facts.Placement, facts.Line, facts.Evidence);
        }
    }
}
