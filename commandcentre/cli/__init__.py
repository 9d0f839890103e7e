"""The command line (命令行): the same core as the GUI, headless, for automation and tests."""
