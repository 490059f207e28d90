import Foundation
import GradientData
import Testing
import TestSupport

/// A CSV with a `timeStep` column is a recurrent log: vanish's own recurrent history.csv reads back.
@Suite struct RecurrentLogImportTests {
    @Test func aRecurrentHistoryCSVReadsBackAsRecurrentRuns() throws {
        let url = TestPaths.fixtures.appendingPathComponent("histories/through-time-quick.json")
        let history = try GradientHistory.load(contentsOf: url)
        let imported = try GradientLogImport.read(history.csvData(), source: "runs/history.csv")
        #expect(imported.spec.isRecurrent && imported.spec.importedFrom == "history.csv")
        #expect(imported.runs.map(\.network) == history.runs.map(\.network))
        for (back, run) in zip(imported.runs, history.runs) {
            #expect(back.steps == run.steps)
            #expect(back.time?.timeSteps == run.time?.timeSteps)
            #expect(back.time?.hiddenGradNorm == run.time?.hiddenGradNorm)
            #expect(back.time?.gateMean == run.time?.gateMean)
            #expect(back.time?.cellGradNorm == run.time?.cellGradNorm)
        }
        #expect(imported.runs.map { $0.settings.recurrent?.cell } == [.tanh, .tanh, .lstm, .gru],
                "the cell is read from what was logged: the relu network logged what a tanh one does")
    }

    @Test func aRecurrentLogWithRaggedTimeStepsIsRefusedWithItsLine() {
        let text = "network,step,timeStep,hiddenGradNorm\na,0,1,0.5\na,0,2,1\na,1,1,0.4\na,1,3,1\n"
        #expect {
            try GradientLogImport.read(Data(text.utf8), source: "bad.csv")
        } throws: { error in
            "\(error)" == "bad.csv, line 5: a, step 1: timeStep 3 where the first step had 2; every step needs the same time steps"
        }
        let unknown = "network,step,timeStep,hiddenGradNorm,layer\na,0,1,0.5,x\n"
        #expect(throws: GradientLogError.self) { try GradientLogImport.read(Data(unknown.utf8), source: "u.csv") }
    }
}
