from quizdock.cli import main

main()
