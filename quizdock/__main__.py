from quizdock.entry import main

main()
