// The `dysta` executable: the command line of the DystaCLI library with the built-in registries.
import DystaCLI

DystaCommandLine.main()
